import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateListInput } from '../features/lists/lists.schemas.js';

export interface DemoTenant {
  slug: string;
  name: string;
  regionId: string;
  ownerEmail: string;
  ownerPassword: string;
  profile?: Partial<{
    hostingProvider: string;
    hostingRegion: string;
    segregation: string;
    dataStored: string;
    regionMoveInfo: string;
  }>;
  /**
   * Each list is loaded the way a provider would: its published document goes through the
   * importer, and the preview is applied to the draft (only one platform's rows, if `group`).
   */
  lists: { meta: CreateListInput; document: string; group?: string }[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Absolute path of a document under src/demo/documents/ (copies of the seed documents). */
export const demoDocument = (file: string) => path.join(here, 'documents', file);

/** Password of the demo owners (demo data only; printed by `npm start`). */
export const DEMO_PASSWORD = 'demo-password-123';

export const DEMO_TENANTS: DemoTenant[] = [
  {
    slug: 'northwind-cloud',
    name: 'Northwind Cloud',
    regionId: 'eu-west',
    ownerEmail: 'owner@northwind.example',
    ownerPassword: DEMO_PASSWORD,
    profile: {
      hostingProvider: 'Microsoft Azure',
      hostingRegion: 'West Europe and Central US',
      segregation:
        'The product is built on a multi-tenant cloud architecture; every customer’s data is logically segregated with a unique tenant ID so that one customer cannot access another customer’s data.',
      dataStored: 'Order, asset, and tiers information within the platform',
      regionMoveInfo:
        'Standard hosting regions are West EU and Central US. On request, the data of a customer’s account may be hosted in another region (custom terms may apply).',
    },
    lists: ['Commerce', 'Connect'].map((platform) => ({
      meta: {
        slug: platform.toLowerCase(),
        title: `${platform} sub-processors`,
        intro:
          'We may use affiliates and third-party sub-contractors to provide the services. We select them carefully, sign the necessary agreements with them, and require them to comply with all laws that apply to the processing of personal data.',
        notes: [],
        definitions: [
          {
            term: 'Affiliate',
            definition: 'A group company that supports, operates, delivers and maintains the services.',
          },
          {
            term: 'Infrastructure provider',
            definition: 'A provider that hosts the services or provides auxiliary services.',
          },
          {
            term: 'Third party',
            definition: 'Another company contracted for a specific processing activity.',
          },
        ],
        noticePeriodDays: 30,
        visibility: 'public',
      },
      document: 'platform-sub-processors.txt',
      group: platform,
    })),
  },
  {
    slug: 'harbour-telecom',
    name: 'Harbour Telecom',
    regionId: 'eu-west',
    ownerEmail: 'owner@harbour.example',
    ownerPassword: DEMO_PASSWORD,
    lists: [
      {
        meta: {
          slug: 'sub-processors',
          title: 'Sub-processors',
          classification: 'Confidential',
          author: 'Data Protection Team',
          owner: 'Data Protection Officer',
          disclaimer:
            'This document contains confidential information. No part of its contents may be used, copied, disclosed, or conveyed to any other party in any manner without prior written permission.',
          intro:
            'The sub-processors set out below may be used by us, depending on the nature of the services to be provided:',
          definitions: [
            {
              term: 'Business contact information',
              definition:
                "Personal data relating to our or our customers' representatives (such as names, work email addresses and work telephone numbers), which is needed for operational reasons (e.g. project management of the agreement).",
            },
          ],
          notes: [
            'The list of solution providers above is not exhaustive. If your solution is provided by another party, it will be described in your agreement with us.',
            "Many of our services are 'multi-tenant' and so we must reserve the right to use other sub-processors (for example, in the event of supplier failure or other unforeseen emergency, in order to ensure the applicable SLAs are met).",
          ],
          noticePeriodDays: 30,
          visibility: 'public',
        },
        document: 'telecom-sub-processors.txt',
      },
    ],
  },
];
